import sys

from vpcsim.cli import main

sys.exit(main())
