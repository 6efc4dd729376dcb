/** The beacon tower (烽火台) mark. */
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="12" fill="#5c0a0a" />
      <path d="M32 6c5 7 10 11 10 18a10 10 0 0 1-20 0c0-4 2-7 4-9 0 4 2 6 4 6-1-6 0-10 2-15z" fill="#ffb020" />
      <path d="M32 16c2.5 4 5 6 5 10a5 5 0 0 1-10 0c0-2 1-4 2-5 0 2 1 3 2 3 0-3 0-5 1-8z" fill="#fff1c2" />
      <path d="M22 36h20l4 22H18z" fill="#f5e6d3" />
      <path d="M20 36h24v4H20zM23 44h4v4h-4zM37 44h4v4h-4z" fill="#8c1515" opacity=".55" />
    </svg>
  );
}
