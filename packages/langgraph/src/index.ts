export { OmenStore, type OmenStoreOptions } from './omen-store.js';
