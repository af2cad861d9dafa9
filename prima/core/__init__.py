"""The pure core: decisions and data types, free of I/O."""
