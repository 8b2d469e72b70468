// Deflate module: see the module's files.
