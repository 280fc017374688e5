"""Session-wide settings: the test run never writes the user's load cache (``vpcsim.cache``)."""

from __future__ import annotations

import os
import tempfile

# Set at import, before any test runs, so the `vpcsim` processes the CLI tests start inherit it too.
os.environ["VPCSIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="vpcsim-test-cache-")
