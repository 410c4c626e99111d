/** A few line icons as inline SVG (no icon font: glyph coverage varies across OS fonts). */
const PATHS = {
  plus: 'M8 3v10M3 8h10',
  edit: 'M10.5 2.5l3 3L6 13H3v-3z',
  copy: 'M5 5h8v8H5zM3 11V3h8',
  close: 'M4 4l8 8M12 4l-8 8',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 14 }: { name: IconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
