# ---------------------------------------------------------------------------------------------
# Where and what
# ---------------------------------------------------------------------------------------------

variable "region" {
  description = "AWS region to deploy Codeflow into (also the region Codeflow manages: AWS_REGION)."
  type        = string
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-\\d+$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "environment" {
  description = "Short environment name used in resource names (codeflow-<environment>), e.g. prod or staging."
  type        = string
  default     = "prod"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.environment))
    error_message = "environment must be 1-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "container_image" {
  description = "The Codeflow image to run, by tag or digest (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:0.1.0). Pin a version: \"latest\" makes rollbacks guesswork."
  type        = string
  validation {
    condition     = can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.container_image)) && !endswith(var.container_image, ":latest")
    error_message = "container_image must name a tag (not :latest) or a sha256 digest."
  }
}

variable "deletion_protection" {
  description = "Protect the load balancer and database from deletion (turn off only to tear down a test stack)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for RDS, Redis, the log group and the secrets (its key policy must let CloudWatch Logs, RDS, ElastiCache and Secrets Manager use it); null uses AWS-managed keys."
  type        = string
  default     = null
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN or null."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps Codeflow's logs and the VPC flow logs."
  type        = number
  default     = 90
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …)."
  }
}

variable "audit_anchor_retention_days" {
  description = "How long CloudWatch keeps the audit log's anchors (the verifier compares the database with them); keep at least as long as the audit log."
  type        = number
  default     = 3653
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.audit_anchor_retention_days)
    error_message = "audit_anchor_retention_days must be one of CloudWatch Logs' retention values (…, 365, 731, 1827, 3653)."
  }
}

# ---------------------------------------------------------------------------------------------
# Network and load balancer
# ---------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR block of the VPC; public and private /20s are carved from it (a /16 is expected)."
  type        = string
  default     = "10.40.0.0/16"
  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 16
    error_message = "vpc_cidr must be an IPv4 CIDR block of /16 or larger."
  }
}

variable "az_count" {
  description = "Number of availability zones (a public and a private subnet in each). At least 2: the ALB and Multi-AZ RDS need two."
  type        = number
  default     = 2
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6
    error_message = "az_count must be between 2 and 6."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper) instead of one per AZ (survives the loss of an AZ)."
  type        = bool
  default     = false
}

variable "allowed_ingress_cidrs" {
  description = "Who may reach the load balancer (e.g. your corporate VPN ranges). Codeflow has SSO, but fewer exposed consoles is better."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  validation {
    condition     = length(var.allowed_ingress_cidrs) > 0 && alltrue([for c in var.allowed_ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "allowed_ingress_cidrs must be a non-empty list of IPv4 CIDR blocks."
  }
}

variable "internal_load_balancer" {
  description = "Put the ALB in the private subnets (reachable only over VPN/Direct Connect/peering)."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ACM certificate for domain_name, in the same region, used by the HTTPS listener."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }
}

variable "ssl_policy" {
  description = "ALB TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "domain_name" {
  description = "The host name people open Codeflow at (the certificate's name); NEXTAUTH_URL is https://<domain_name>. Point a DNS record at the alb_dns_name output."
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name such as codeflow.example.com."
  }
}

variable "alb_access_logs_bucket" {
  description = "S3 bucket for ALB access logs (its policy must allow the regional ELB account); null disables them."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Codeflow tasks
# ---------------------------------------------------------------------------------------------

variable "container_port" {
  description = "Port the Codeflow container listens on (PORT)."
  type        = number
  default     = 3000
  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "task_cpu" {
  description = "Fargate task CPU units (1024 = 1 vCPU)."
  type        = number
  default     = 1024
  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "task_cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "task_memory" {
  description = "Fargate task memory in MiB (must be valid for task_cpu; 2048 suits 1024 CPU units)."
  type        = number
  default     = 2048
  validation {
    condition     = var.task_memory >= 512 && var.task_memory <= 122880
    error_message = "task_memory must be between 512 and 122880 MiB."
  }
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64 (Graviton, cheaper); the image must be built for it."
  type        = string
  default     = "X86_64"
  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "desired_count" {
  description = "Tasks at first deploy; auto scaling moves it between min_count and max_count afterwards."
  type        = number
  default     = 2
}

variable "min_count" {
  description = "Fewest Codeflow tasks. 2 or more keeps the console up through a task replacement or an AZ loss."
  type        = number
  default     = 2
  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1."
  }
}

variable "max_count" {
  description = "Most Codeflow tasks. Replicas share the Redis cache, so AWS API calls do not grow with them."
  type        = number
  default     = 6
  validation {
    condition     = var.max_count >= 1 && var.max_count <= 50
    error_message = "max_count must be between 1 and 50."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation the service scales to hold."
  type        = number
  default     = 60
  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

# ---------------------------------------------------------------------------------------------
# What Codeflow may do in AWS
# ---------------------------------------------------------------------------------------------

variable "enable_write_actions" {
  description = "Grant the task role Codeflow's write actions (deploy, roll back, scale, shift traffic, silence alarms, triage findings). false = a read-only console, enforced by IAM."
  type        = bool
  default     = true
}

variable "passable_role_arns" {
  description = "Task and execution roles Codeflow may pass to ECS when it registers a new task-definition revision (iam:PassRole, only to ecs-tasks.amazonaws.com). Narrow this to your services' roles."
  type        = list(string)
  default     = ["*"]
  validation {
    condition     = length(var.passable_role_arns) > 0 && alltrue([for a in var.passable_role_arns : a == "*" || can(regex("^arn:aws[a-z-]*:iam::(\\d{12}|\\*):role/", a))])
    error_message = "passable_role_arns must list IAM role ARNs (wildcards allowed) or \"*\"."
  }
}

variable "member_account_roles" {
  description = "Roles in other AWS accounts Codeflow may assume (sts:AssumeRole on exactly these ARNs): the CodeflowReadOnly and CodeflowOperator roles infrastructure/member-account-role creates. Empty = Codeflow reaches only this account."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.member_account_roles : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$", a))])
    error_message = "member_account_roles must list IAM role ARNs, without wildcards."
  }
}

variable "clusters" {
  description = "ECS clusters Codeflow shows (CODEFLOW_CLUSTERS); empty = discover them with ListClusters."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------------------------------------
# Single sign-on
# ---------------------------------------------------------------------------------------------

variable "oidc_issuer" {
  description = "OpenID Connect issuer URL of your IdP (OIDC_ISSUER), e.g. https://example.okta.com/oauth2/default."
  type        = string
  validation {
    condition     = can(regex("^https://", var.oidc_issuer))
    error_message = "oidc_issuer must be an https:// URL."
  }
}

variable "oidc_client_id" {
  description = "Client ID of the Codeflow application at the IdP (OIDC_CLIENT_ID). Its redirect URI is https://<domain_name>/api/auth/callback/oidc."
  type        = string
  validation {
    condition     = length(trimspace(var.oidc_client_id)) > 0
    error_message = "oidc_client_id must not be empty."
  }
}

variable "oidc_client_secret" {
  description = "Client secret of the Codeflow application at the IdP; stored in Secrets Manager as OIDC_CLIENT_SECRET. Pass it with TF_VAR_oidc_client_secret, never in a committed .tfvars file."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.oidc_client_secret) >= 8
    error_message = "oidc_client_secret looks empty or truncated."
  }
}

variable "oidc_groups_claim" {
  description = "ID-token claim holding the user's groups (OIDC_GROUPS_CLAIM)."
  type        = string
  default     = "groups"
}

variable "role_mapping" {
  description = "IdP group → Codeflow role (viewer, responder, operator, admin), passed as CODEFLOW_ROLE_MAPPING. Empty = Codeflow's default mapping."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for r in values(var.role_mapping) : contains(["viewer", "responder", "operator", "admin"], r)])
    error_message = "role_mapping values must be viewer, responder, operator or admin."
  }
}

variable "org_name" {
  description = "Organisation name shown on the sign-in page (CODEFLOW_ORG_NAME)."
  type        = string
  default     = ""
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be recovered (0 deletes at once: test stacks only)."
  type        = number
  default     = 7
  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

# ---------------------------------------------------------------------------------------------
# Database and cache
# ---------------------------------------------------------------------------------------------

variable "db_engine_version" {
  description = "RDS PostgreSQL version (major or major.minor); Codeflow supports 15 and later."
  type        = string
  default     = "16"
  validation {
    condition     = can(regex("^(1[5-9]|[2-9][0-9])(\\.\\d+)?$", var.db_engine_version))
    error_message = "db_engine_version must be PostgreSQL 15 or later, e.g. 16 or 16.4."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage auto scaling ceiling in GiB."
  type        = number
  default     = 200
}

variable "db_multi_az" {
  description = "A standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery (restores to any second, ~5 minutes behind: well within the guide's RPO of 1 hour)."
  type        = number
  default     = 14
  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35: 0 would turn backups (and the 1-hour RPO) off."
  }
}

variable "redis_engine_version" {
  description = "ElastiCache Redis OSS engine version."
  type        = string
  default     = "7.1"
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "redis_replicas" {
  description = "Read replicas beside the primary; 1 or more enables Multi-AZ automatic failover."
  type        = number
  default     = 1
  validation {
    condition     = var.redis_replicas >= 0 && var.redis_replicas <= 5
    error_message = "redis_replicas must be between 0 and 5."
  }
}
