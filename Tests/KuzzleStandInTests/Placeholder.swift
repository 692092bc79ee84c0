// Placeholder: replaced by the KuzzleStandInTests suites.
