terraform {
  # The same floor as infrastructure/aws-webapp. No provider block: the caller configures one per
  # member account (an aliased provider that assumes an admin role there) and passes it in.
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
}
