package web

// programmeRoutes registers the programme, activity and menu pages and API
// (issue 3).
func (s *Server) programmeRoutes() {}
