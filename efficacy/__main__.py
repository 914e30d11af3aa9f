import sys

from efficacy.cli import main

sys.exit(main())
