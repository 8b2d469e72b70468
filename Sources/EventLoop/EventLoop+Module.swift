// EventLoop module: see the module's files.
