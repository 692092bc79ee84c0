// Placeholder: replaced by the KuzzleTests suites.
