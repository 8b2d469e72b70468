// HTTP1 module: see the module's files.
