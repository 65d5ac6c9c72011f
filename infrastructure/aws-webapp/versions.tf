terraform {
  # 1.6 for `terraform test`, 1.5 for `check` blocks and import blocks; nothing here needs newer.
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Application = "codeflow"
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}
