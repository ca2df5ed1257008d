import { memberGcSuite } from '../members/gc.js';

memberGcSuite();
