import { Skeleton } from '@/components/ui/skeleton';

export function ServiceDetailSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading the service" className="flex flex-col gap-4">
      <Skeleton className="h-3 w-48" />
      <Skeleton className="h-7 w-72" />
      <Skeleton className="h-3 w-[480px]" />
      <Skeleton className="h-32 w-full rounded-md" />
      <div className="grid grid-cols-[3fr_2fr] gap-4">
        <Skeleton className="h-64 rounded-md" />
        <Skeleton className="h-64 rounded-md" />
      </div>
    </div>
  );
}
