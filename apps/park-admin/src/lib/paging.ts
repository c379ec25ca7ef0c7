/** Rows per page of the server-paged parks table (the UI bench checks the first page has this many). */
export const PARK_PAGE_SIZE = 25;
