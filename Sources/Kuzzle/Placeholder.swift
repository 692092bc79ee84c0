// Placeholder: replaced by the Kuzzle implementation.
