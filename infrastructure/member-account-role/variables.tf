variable "codeflow_principal_arn" {
  description = "The role Codeflow runs as in its own account (infrastructure/aws-webapp's task_role_arn output). The only principal this role trusts."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$", var.codeflow_principal_arn))
    error_message = "codeflow_principal_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), without wildcards."
  }
}

variable "external_id" {
  description = "The external id Codeflow passes when it assumes this role (the account's role.externalId in Codeflow's config). 16 to 1224 characters of letters, digits and +=,.@:/-_; generate one per account, e.g. `openssl rand -hex 16`."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.external_id) >= 16 && length(var.external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", var.external_id))
    error_message = "external_id must be 16 to 1224 characters of letters, digits and +=,.@:/-_ (STS's own alphabet and limit; 16 so it cannot be guessed)."
  }
}

variable "variant" {
  description = "\"read-only\": the reads Codeflow makes (the fleet, metrics, alarms, logs, findings, backups, images). \"operator\": those reads and the writes of deploy, rollback, scale, traffic switch, alarm and finding triage."
  type        = string
  validation {
    condition     = contains(["read-only", "operator"], var.variant)
    error_message = "variant must be \"read-only\" or \"operator\"."
  }
}

variable "role_name" {
  description = "The role's name; null = CodeflowReadOnly or CodeflowOperator, by variant."
  type        = string
  default     = null
  validation {
    condition     = var.role_name == null || can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 letters, digits or +=,.@-_."
  }
}

variable "clusters" {
  description = "Operator only: the ECS clusters whose services it may update, stop or continue deployments of — names (this account, any Region) or cluster ARN patterns (arn:aws:ecs:us-east-1:123456789012:cluster/prod-*). Empty = every cluster in the account."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for c in var.clusters : can(regex("^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9*-]+:(\\d{12}|\\*):cluster/[A-Za-z0-9_*?-]+)$", c))])
    error_message = "clusters must list ECS cluster names or cluster ARN patterns (arn:aws:ecs:<region>:<account>:cluster/<name>, * and ? allowed)."
  }
}

variable "pass_role_arns" {
  description = "Operator only, and required for it: the task and execution roles it may pass to ECS when it registers a new task-definition revision (iam:PassRole, only to ecs-tasks.amazonaws.com). A revision keeps its roles, so list your services' roles (patterns allowed, e.g. arn:aws:iam::123456789012:role/*-task); [] = no PassRole, and deploying a service with a task or execution role fails with AccessDenied."
  type        = list(string)
  default     = null
  validation {
    condition     = alltrue([for a in(var.pass_role_arns == null ? [] : var.pass_role_arns) : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/*?-]+$", a))])
    error_message = "pass_role_arns must list IAM role ARNs in one account (wildcards allowed in the name, not a bare \"*\")."
  }
}

variable "max_session_duration" {
  description = "The role's maximum session, in seconds (3600-43200). Codeflow assumes it from its task role, which is role chaining: AWS caps those sessions at one hour whatever this says, and Codeflow refreshes its credentials before they expire."
  type        = number
  default     = 3600
  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
