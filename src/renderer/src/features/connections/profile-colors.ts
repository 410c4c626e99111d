/** Profile colour tags: a short palette that reads on light and dark backgrounds. */
export const PROFILE_COLORS: readonly { readonly name: string; readonly value: string }[] = [
  { name: 'Red', value: '#e5484d' },
  { name: 'Orange', value: '#f76b15' },
  { name: 'Yellow', value: '#e2a336' },
  { name: 'Green', value: '#30a46c' },
  { name: 'Teal', value: '#12a594' },
  { name: 'Blue', value: '#3e63dd' },
  { name: 'Purple', value: '#8e4ec6' },
  { name: 'Gray', value: '#8b8d98' },
];
