"""``python -m chanx.asyncapi``: the same as the ``chanx`` command."""

import sys

from chanx.asyncapi._cli import main

if __name__ == "__main__":
    sys.exit(main())
