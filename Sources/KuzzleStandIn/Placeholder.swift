// Placeholder: replaced by the KuzzleStandIn implementation.
