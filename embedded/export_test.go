package embedded

// SetHubList sets the list length from which an entity is a hub, for tests
// that make hubs of small graphs, and returns the restore.
func SetHubList(n int) (restore func()) {
	old := hubList
	hubList = n
	return func() { hubList = old }
}
