#!/usr/bin/env python
from omvarld.cli import main

if __name__ == "__main__":
    main()
