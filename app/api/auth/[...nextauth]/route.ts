import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { getAuthOptions } from '@/lib/auth/options';

export const dynamic = 'force-dynamic';

// Options are built per process on first request, not at import: `next build` needs no secrets.
const handler = (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req, ctx, getAuthOptions());

export { handler as GET, handler as POST };
