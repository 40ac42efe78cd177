import { jest } from '@jest/globals';

// Browser journeys on a loaded 2-core CI machine occasionally time out waiting for a navigation;
// one retry, with the first failure printed, keeps CI honest without hiding a real regression.
if ((expect.getState().testPath ?? '').includes('/test/e2e/')) jest.retryTimes(1, { logErrorsBeforeRetry: true });
