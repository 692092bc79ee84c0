// Placeholder: replaced by the BridgeCoreTests suites.
