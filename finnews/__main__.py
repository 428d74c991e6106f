import sys

from finnews.cli import main

sys.exit(main())
