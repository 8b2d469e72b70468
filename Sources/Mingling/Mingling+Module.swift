// Mingling module: see the module's files.
