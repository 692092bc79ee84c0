// Placeholder: replaced by the IntegrationTests suites.
