output "url" {
  description = "Where Codeflow answers once DNS for domain_name points at the load balancer."
  value       = "https://${var.domain_name}"
}

output "alb_dns_name" {
  description = "The load balancer's DNS name: point domain_name at it (CNAME, or a Route 53 alias with alb_zone_id)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "oidc_redirect_uri" {
  description = "Register this redirect URI with the IdP's Codeflow application."
  value       = "https://${var.domain_name}/api/auth/callback/oidc"
}

output "cluster_name" {
  description = "ECS cluster running Codeflow."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service running Codeflow."
  value       = aws_ecs_service.app.name
}

output "task_definition_family" {
  description = "Task definition family; a new image is a new revision of it."
  value       = aws_ecs_task_definition.app.family
}

output "log_group_name" {
  description = "CloudWatch log group of the Codeflow containers."
  value       = aws_cloudwatch_log_group.app.name
}

output "task_role_arn" {
  description = "The role Codeflow calls AWS with (its read policy, and its write policy unless enable_write_actions = false)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "The role ECS uses to pull the image, write logs and read the secrets."
  value       = aws_iam_role.execution.arn
}

output "read_only" {
  description = "Whether the task role lacks the write actions."
  value       = !var.enable_write_actions
}

output "database_endpoint" {
  description = "RDS PostgreSQL endpoint (private)."
  value       = aws_db_instance.this.endpoint
}

output "redis_endpoint" {
  description = "ElastiCache Redis primary endpoint (private, TLS)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "secret_arns" {
  description = "Secrets Manager ARNs by environment variable name (values are not output)."
  value       = { for k, s in aws_secretsmanager_secret.app : k => s.arn }
}

output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Private subnets (tasks, database, cache)."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets (load balancer, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "audit_anchor_log_group" {
  description = "CloudWatch Logs group holding the audit log's anchors (stream audit-anchors)."
  value       = aws_cloudwatch_log_group.audit_anchors.name
}
