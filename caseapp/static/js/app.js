// caseapp scripts: progressive enhancement only; every page works without them.
