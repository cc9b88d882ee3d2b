// Every page is prerendered: the studio is a static site that works offline.
export const prerender = true;
export const trailingSlash = 'never';
