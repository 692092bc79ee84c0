// Placeholder: replaced by the KuzzleBridge implementation.
