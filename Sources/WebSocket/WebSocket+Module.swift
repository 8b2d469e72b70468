// WebSocket module: see the module's files.
