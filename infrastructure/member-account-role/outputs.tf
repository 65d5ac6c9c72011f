output "role_arn" {
  description = "The role's ARN: role.readArn (read-only) or role.operatorArn (operator) in Codeflow's accounts entry, and one of aws-webapp's member_account_roles."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "The role's name."
  value       = aws_iam_role.this.name
}

output "account_id" {
  description = "The member account the role is in (the accounts entry's id)."
  value       = data.aws_caller_identity.current.account_id
}

# Sensitive because it carries the external id. `terraform output -raw accounts_entry` prints it;
# add name, environment and regions, and merge the two variants' role objects into one entry.
output "accounts_entry" {
  description = "This role's part of Codeflow's accounts entry, as JSON: { id, role: { readArn | operatorArn, externalId } }."
  sensitive   = true
  value = jsonencode({
    id = data.aws_caller_identity.current.account_id
    role = merge(
      local.operator ? { operatorArn = aws_iam_role.this.arn } : { readArn = aws_iam_role.this.arn },
      { externalId = var.external_id },
    )
  })
}
