// Placeholder: replaced by the RdKafka implementation.
