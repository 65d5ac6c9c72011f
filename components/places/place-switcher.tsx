'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlaceOption } from '@/lib/accounts/places';
import { cn } from '@/components/ui/cn';

/** Pages whose lists take `?account=&region=`; elsewhere the switcher opens the overview filtered. */
const FILTERED_PAGES = ['/', '/alarms', '/security', '/maintenance', '/logs'];
/** Query parameters that name something inside one place, dropped when the place changes. */
const PLACE_BOUND = ['cluster', 'group', 'stream', 'end'];

interface Choice {
  key: string;
  label: string;
  detail: string;
  account?: string;
  region?: string;
}

function choicesOf(places: readonly PlaceOption[]): Choice[] {
  const accounts = [...new Map(places.map((p) => [p.account, p])).values()];
  const out: Choice[] = [{ key: 'all', label: 'All accounts and Regions', detail: `${accounts.length} accounts · ${places.length} places` }];
  for (const a of accounts) {
    const regions = places.filter((p) => p.account === a.account);
    if (regions.length > 1) out.push({ key: a.account, label: `${a.accountName} · every Region`, detail: `${a.account}${a.environment ? ` · ${a.environment}` : ''}`, account: a.account });
    for (const p of regions) out.push({ key: `${p.account}/${p.region}`, label: `${p.accountName} · ${p.region}`, detail: `${p.account}${p.environment ? ` · ${p.environment}` : ''}${p.home ? ' · home' : ''}`, account: p.account, region: p.region });
  }
  return out;
}

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('dialog[open]') !== null);

/**
 * The account and Region switcher: press A anywhere (outside a text field), type a few letters of an
 * account, environment or Region, Enter. On the overview, Alarms, Security, Maintenance and Logs it
 * sets the page's filters; elsewhere it opens the overview with them. The bar shows what is chosen.
 */
export function PlaceSwitcher({ places }: { places: PlaceOption[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const choices = useMemo(() => choicesOf(places), [places]);
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = choices.filter((c) => words.every((w) => `${c.label} ${c.detail}`.toLowerCase().includes(w)));

  const account = searchParams.get('account');
  const region = searchParams.get('region');
  const accountName = places.find((p) => p.account === account || p.accountName.toLowerCase() === account?.toLowerCase())?.accountName ?? account;
  const current = account || region ? [accountName, region].filter(Boolean).join(' · ') : 'All accounts';

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'a' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setText('');
      setActive(0);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  const choose = (c: Choice) => {
    setOpen(false);
    const onFilteredPage = FILTERED_PAGES.includes(pathname);
    const params = new URLSearchParams(onFilteredPage ? searchParams.toString() : '');
    for (const key of ['account', 'region', ...PLACE_BOUND]) params.delete(key);
    if (c.account) params.set('account', c.account);
    if (c.region) params.set('region', c.region);
    const search = params.toString();
    router.push(`${onFilteredPage ? pathname : '/'}${search ? `?${search}` : ''}`, { scroll: false });
  };

  return (
    <>
      <button
        type="button"
        data-testid="place-switcher"
        onClick={() => setOpen(true)}
        title="Switch account and Region (press A)"
        className="hidden h-7 items-center gap-1.5 whitespace-nowrap rounded border border-border px-2 text-[12px] md:inline-flex text-fg-muted hover:border-border-strong hover:text-fg"
      >
        <span data-testid="place-switcher-current" className="max-w-[14rem] truncate">
          {current}
        </span>
        <kbd className="rounded border border-border px-1 font-mono text-[10px] text-fg-subtle">A</kbd>
      </button>
      <dialog
        ref={dialog}
        data-testid="place-switcher-dialog"
        aria-label="Switch account and Region"
        onClose={() => setOpen(false)}
        onClick={(e) => e.target === dialog.current && setOpen(false)}
        className="mx-auto mt-24 w-[28rem] max-w-[calc(100vw-2rem)] rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40"
      >
        <input
          autoFocus
          data-testid="place-switcher-input"
          aria-label="Account, environment or Region"
          aria-controls="place-switcher-list"
          aria-activedescendant={shown[active] ? `place-choice-${shown[active].key}` : undefined}
          placeholder="Account, environment or Region…"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter' && shown[active]) choose(shown[active]);
            else return;
            e.preventDefault();
          }}
          className="w-full border-b border-border bg-transparent px-3 py-2.5 text-[14px] outline-none placeholder:text-fg-subtle"
        />
        <ul id="place-switcher-list" role="listbox" className="max-h-80 overflow-y-auto py-1">
          {shown.length === 0 && <li className="px-3 py-2 text-[13px] text-fg-subtle">No account or Region matches “{text}”.</li>}
          {shown.map((c, i) => (
            <li
              key={c.key}
              id={`place-choice-${c.key}`}
              role="option"
              aria-selected={i === active}
              data-testid="place-choice"
              data-account={c.account ?? ''}
              data-region={c.region ?? ''}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(c)}
              className={cn('flex cursor-pointer items-baseline justify-between gap-3 px-3 py-1.5 text-[13px]', i === active && 'bg-surface-2')}
            >
              <span className="truncate">{c.label}</span>
              <span className="shrink-0 font-mono text-[11px] text-fg-subtle">{c.detail}</span>
            </li>
          ))}
        </ul>
      </dialog>
    </>
  );
}
