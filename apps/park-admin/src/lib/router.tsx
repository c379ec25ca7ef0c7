import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/** A tiny path router over the History API (the brain serves index.html for every path). */
const listeners = new Set<() => void>();

function subscribe(fn: () => void) {
  listeners.add(fn);
  window.addEventListener("popstate", fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener("popstate", fn);
  };
}

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const fn of listeners) fn();
  if (!replace) window.scrollTo(0, 0);
}

export function usePath(): string {
  return useSyncExternalStore(
    subscribe,
    () => location.pathname + location.search,
    () => "/",
  );
}

export type Route =
  | { page: "login" }
  | { page: "overview" }
  | { page: "parks" }
  | { page: "park"; id: number }
  | { page: "enterprise"; id: number }
  | { page: "machine"; key: string }
  | { page: "industries" }
  | { page: "admin"; tab: string }
  | { page: "alerts" }
  | { page: "ledger" }
  | { page: "wall" }
  | { page: "notFound" };

/** Parse a path into a route. */
export function matchRoute(pathWithSearch: string): Route {
  const [path = "/"] = pathWithSearch.split("?");
  const parts = path.split("/").filter(Boolean);
  const id = Number(parts[1]);
  switch (parts[0]) {
    case undefined:
      return { page: "overview" };
    case "login":
      return { page: "login" };
    case "parks":
      return parts[1] === undefined
        ? { page: "parks" }
        : Number.isInteger(id) && id > 0
          ? { page: "park", id }
          : { page: "notFound" };
    case "enterprises":
      return Number.isInteger(id) && id > 0 ? { page: "enterprise", id } : { page: "notFound" };
    case "machines":
      return parts[1] ? { page: "machine", key: decodeURIComponent(parts[1]) } : { page: "notFound" };
    case "industries":
      return { page: "industries" };
    case "admin":
      return { page: "admin", tab: parts[1] ?? "rules" };
    case "alerts":
      return { page: "alerts" };
    case "ledger":
      return { page: "ledger" };
    case "wall":
      return { page: "wall" };
    default:
      return { page: "notFound" };
  }
}

/** An anchor that navigates without a reload (and still works with a middle click). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
