// TLS module: see the module's files.
