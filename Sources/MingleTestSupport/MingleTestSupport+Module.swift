// MingleTestSupport module: see the module's files.
