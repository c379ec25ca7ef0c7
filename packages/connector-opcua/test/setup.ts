import { LogLevel, setLogLevel } from "node-opcua";

// node-opcua prints its own warnings (e.g. optional OperationLimits a server lacks); tests assert behaviour instead
setLogLevel(LogLevel.Emergency);
