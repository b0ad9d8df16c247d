"""Popular collaboration (colaboración popular): pledges to watched works and their deliveries."""
