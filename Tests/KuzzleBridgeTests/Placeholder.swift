// Placeholder: replaced by the KuzzleBridgeTests suites.
