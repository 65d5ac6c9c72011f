import { Skeleton } from '@/components/ui/skeleton';

export function OverviewSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading the fleet" className="flex flex-col gap-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Overview</h1>
        <Skeleton className="h-3 w-32" />
      </div>
      <div className="grid grid-cols-5 gap-2">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-[42px] rounded-md" />
        ))}
      </div>
      <div className="rounded-md border border-border bg-surface">
        <div className="border-b border-border px-4 py-2.5">
          <Skeleton className="h-8 w-72" />
        </div>
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="flex items-center gap-6 border-b border-border px-4 py-3 last:border-b-0">
            <Skeleton className="h-5 w-20" />
            <Skeleton className="h-3 w-36" />
            <Skeleton className="h-3 w-28" />
            <Skeleton className="h-3 w-12" />
            <Skeleton className="h-3 w-24" />
            <Skeleton className="h-3 flex-1" />
          </div>
        ))}
      </div>
    </div>
  );
}
