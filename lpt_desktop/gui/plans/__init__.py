"""A case's plans: the risk management plan now (issue 18); the sentence plan joins it in a later issue."""
