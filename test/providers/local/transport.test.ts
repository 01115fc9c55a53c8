import { LOCAL_DELIVERY } from '../../../providers/local/delivery';
import { memoryTransport } from '../../../providers/local';
import { describeTransport } from './transport-conformance';

describeTransport('memory', { create: memoryTransport, target: LOCAL_DELIVERY });
