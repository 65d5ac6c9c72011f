export const startUsage = ""; export async function runStartCommand() {}
