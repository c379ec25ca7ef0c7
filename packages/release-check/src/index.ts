export { edgeBundle, packAll, publishable, SERVICES, tarballName, unpack, weftClosure } from "./pack.ts";
export { fileProblems, importSpecifiers, type Manifest, manifestProblems } from "./scan.ts";
