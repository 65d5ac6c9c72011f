# Everything secret lives in Secrets Manager and reaches the container as ECS `secrets`
# (resolved by the execution role at task start), never as plain environment values in the task
# definition. Terraform state holds the generated values: keep the state in an encrypted backend.

resource "random_password" "nextauth" {
  length  = 48
  special = false
}

# Keys the audit log's hashes (HMAC). It must never be in the database (that is what makes a
# forged or rewritten entry detectable) and must be the same for every task, so it lives here.
resource "random_password" "audit_key" {
  length  = 64
  special = false
}

locals {
  secret_values = {
    NEXTAUTH_SECRET    = random_password.nextauth.result
    CODEFLOW_AUDIT_KEY = random_password.audit_key.result
    OIDC_CLIENT_SECRET = var.oidc_client_secret
    DATABASE_URL       = "postgresql://${aws_db_instance.this.username}:${random_password.db.result}@${aws_db_instance.this.address}:${aws_db_instance.this.port}/${aws_db_instance.this.db_name}?sslmode=require"
    REDIS_URL          = "rediss://:${random_password.redis.result}@${aws_elasticache_replication_group.this.primary_endpoint_address}:6379"
  }
}

resource "aws_secretsmanager_secret" "app" {
  for_each                = toset(keys(local.secret_values))
  name                    = "${local.name}/${each.key}"
  description             = "Codeflow ${var.environment}: ${each.key}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app" {
  for_each      = aws_secretsmanager_secret.app
  secret_id     = each.value.id
  secret_string = local.secret_values[each.key]
}
