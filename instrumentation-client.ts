import { config } from 'zod/v4/core';

// Runs in the browser before any page code. zod would otherwise probe `new Function` to compile
// fast parsers the first time a page builds a schema; the pages' CSP forbids eval (no
// 'unsafe-eval'), so every such page would log a CSP violation. The plain parser is enough there.
// Only zod's core `config` is imported: the whole of zod here would be ~30 KB gzipped on every page
// (bench/first-load-js.ts), and the setting is global, shared by every copy of zod on the page.
config({ jitless: true });
