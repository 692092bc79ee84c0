// Placeholder: replaced by the RdKafkaTests suites.
