"""Design review over a compiled network: intents (``check``), all-pairs reachability (``matrix``) and the
reachability that changed between two versions (``diff``). Everything here asks the engine questions and
returns frozen results; renderers in ``vpcsim.render`` turn them into text, JSON, JUnit, SARIF or GitHub
annotations."""
