"""`python -m mcpmint`."""

from mcpmint.cli import main

if __name__ == "__main__":
    main()
