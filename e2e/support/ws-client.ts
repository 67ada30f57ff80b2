export { connectToHeadlessHost as connectClient } from '../../main/transports/ws-client';
